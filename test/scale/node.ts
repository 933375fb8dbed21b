/**
 * One Overleg node as a child process for the scale tests (the entry test/scale/support.ts starts):
 * test/support/child-server.ts itself, on the database at DATABASE_URL and the Redis at REDIS_URL,
 * with sign-in rate limiting on when OVERLEG_TEST_SIGNIN_PER_MINUTE is set.
 *
 *   node --import tsx test/scale/node.ts
 */
import "../support/child-server";
