/**
 * Setup file of the `postgres` jest project only: this project's tests run
 * on the PostgreSQL its global setup started (postgres-setup.ts). Set here,
 * per test file, not in the global setup, whose environment every project's
 * workers inherit.
 */
process.env.CONSENT_CHAT_TEST_POSTGRES_URL = process.env.CONSENT_CHAT_TEST_POSTGRES_SERVER;
