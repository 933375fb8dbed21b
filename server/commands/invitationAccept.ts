/**
 * A signed-in person accepts an invitation (see invitationSupport.ts): the link's token is the right to
 * join, for the invited email address only. Someone without an account uses invitationAcceptAsNewPerson.ts.
 */
import type { Role } from "../../app/shared/domain";
import type { Actor } from "../policy";
import { CommandError } from "../services/errors";
import { findInvitation } from "../views/invitations";
import { claim, refuse, type InvitationDeps } from "./invitationSupport";
import { runCommand } from "./run";

export interface AcceptInvitationProps {
  /** The token from the link. */
  token: string;
  /** The signed-in person; from the session. Their email must be the invited one. */
  actor: Actor & { email: string };
  /** For tests: the moment "now". */
  now?: Date;
}

/** A signed-in person accepts: they join the workspace with the invited role (or keep a higher one). */
export async function acceptInvitation(deps: InvitationDeps, props: AcceptInvitationProps): Promise<{ workspaceId: string; role: Role }> {
  const now = props.now ?? new Date();
  const result = await runCommand(deps, {
    load: () => findInvitation(deps, props.token, now),
    authorize: (view) => {
      if (view.state !== "pending") throw refuse(view.state);
      if (view.email !== props.actor.email.toLowerCase()) {
        throw new CommandError(
          "invitation_other_email",
          `This invitation is for ${view.email}; sign out and sign in with that address, or ask for an invitation for your own address.`,
          409,
        );
      }
    },
    // `claim` re-checks, under the transaction, that the link is still unused.
    change: async (tx) => ({ result: await claim(tx, deps, props.token, props.actor.id, now, false) }),
    emit: (claimed) => {
      if (claimed.changed) deps.events.emit("membership.changed", { workspaceId: claimed.workspaceId, userId: props.actor.id, role: claimed.role });
    },
  });
  return { workspaceId: result.workspaceId, role: result.role };
}
