/** The services' refusals are the server's one error vocabulary (server/errors.ts). */
export { CommandError, invalidInput, parseInput } from "../errors";
