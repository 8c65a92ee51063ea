export function testLogDir(rootDir: string): string;
export function testLogFile(rootDir: string, testPath: string): string;
