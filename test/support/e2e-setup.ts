// Runs before every e2e spec file. Booting apps against real servers and stopping/starting a
// server take far longer than Jest's 5 s default.
jest.setTimeout(180_000);
