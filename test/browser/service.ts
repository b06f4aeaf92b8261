/** Where the test run's in-memory service listens (started by web-test-runner.config.mjs). */
export interface TestService {
  endpoint: string;
  connectionString: string;
}

let cached: Promise<TestService> | undefined;

export function testService(): Promise<TestService> {
  cached ??= fetch('/__service.json').then((response) => response.json() as Promise<TestService>);
  return cached;
}
