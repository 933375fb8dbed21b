/** Withdrawing an invitation (see invitationSupport.ts): its link stops working. */
import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { loadWorkspaceFacts, NotFound } from "../services/access";
import { appendAudit } from "../services/audit";
import { stateOf } from "../views/invitations";
import { refuse, type InvitationDeps } from "./invitationSupport";
import { runCommand } from "./run";

export interface RevokeInvitationProps {
  /** Who withdraws it; from the session. Needs `workspace.invite` on its workspace. */
  actor: Actor;
  /** The invitation to withdraw. */
  invitationId: string;
  /** For tests: the moment "now". */
  now?: Date;
}

/** Withdraws a pending (or expired) invitation; a used or already withdrawn one is refused. */
export async function revokeInvitation(deps: InvitationDeps, props: RevokeInvitationProps): Promise<void> {
  const { database } = deps;
  const { db, t } = database;
  const now = props.now ?? new Date();
  await runCommand(deps, {
    load: async () => {
      const inv = (await db.select().from(t.invitations).where(eq(t.invitations.id, props.invitationId)).limit(1))[0];
      if (!inv) throw new NotFound("invitation", props.invitationId);
      return { inv, facts: await loadWorkspaceFacts(database, props.actor, inv.workspaceId) };
    },
    authorize: ({ facts }) => authorize(props.actor, "workspace.invite", facts),
    change: async (tx, { inv: loaded }) => {
      // It may have been used or withdrawn since it was read: decide on its state in this transaction.
      const inv = (await tx.select().from(t.invitations).where(eq(t.invitations.id, loaded.id)).limit(1))[0];
      const state = stateOf(inv, now);
      if (state === "accepted" || state === "revoked") throw refuse(state);
      await tx.update(t.invitations).set({ revokedAt: now }).where(eq(t.invitations.id, inv.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "invitation.revoked",
        subjectType: "invitation",
        subjectId: inv.id,
        workspaceId: inv.workspaceId,
        data: { email: inv.email, role: inv.role },
      });
      return { result: undefined };
    },
  });
}
