/**
 * A command refused for a reason the person can act on (not a permission problem, which is
 * `Forbidden` from the policy module, nor an unknown id, which is `NotFound`): the last owner cannot
 * leave, an email already has an account, an invitation was already used. Nothing was changed.
 * A rule of the policy module that the person can act on (separation of duties: choose your own
 * organisation, let a colleague approve) is one too, with status 403, so the form can say which rule.
 *
 * `code` is stable (the UI translates it); `message` is English for logs and the JSON API.
 */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The HTTP status a door should answer with: 400 bad input, 403 a policy rule refuses, 409 conflicts with the current state, 410 gone. */
    readonly status: 400 | 403 | 409 | 410 = 409,
    /** The form field the problem belongs to, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "CommandError";
  }
}
