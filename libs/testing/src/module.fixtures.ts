import { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { testEnv, TestEnv } from './test.env';

/**
 * testEnv(overrides), also written into process.env: a module booted without an `env` of its
 * own (SmartgridConfigModule in a lib's e2e spec) reads its settings from there.
 */
export function applyTestEnv(overrides: Record<string, string> = {}): TestEnv {
  const env = testEnv(overrides);
  Object.assign(process.env, env);
  return env;
}

/**
 * An application context of `imports` alone, as a lib's e2e spec boots its module: compiled,
 * logging warnings and errors, initialised (so migrations have run).
 */
export async function initModules(imports: NonNullable<ModuleMetadata['imports']>): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  moduleRef.useLogger(['error', 'warn']);
  return moduleRef.init();
}
