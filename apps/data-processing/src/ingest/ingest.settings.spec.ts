import { ConfigValidationError } from '@smartgrid/config';
import { readIngestSettings, TEST_ONLY_SIGKILL_ENV } from './ingest.settings';

describe('readIngestSettings', () => {
  it('has safe defaults: consumer on, crash hook off', () => {
    const s = readIngestSettings({});
    expect(s).toMatchObject({ enabled: true, testOnlySigkillBeforeCommit: false, maxMessageBytes: 65536, partitionsConcurrently: 3 });
  });

  it('names every bad variable', () => {
    try {
      readIngestSettings({ INGEST_PARTITIONS_CONCURRENTLY: '0', INGEST_ENABLED: 'maybe', INGEST_GROUP_ID: 'bad group', [TEST_ONLY_SIGKILL_ENV]: 'sure' });
      throw new Error('expected ConfigValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValidationError);
      expect((e as ConfigValidationError).variables.sort()).toEqual(
        ['INGEST_ENABLED', 'INGEST_GROUP_ID', 'INGEST_PARTITIONS_CONCURRENTLY', TEST_ONLY_SIGKILL_ENV].sort(),
      );
    }
  });

  it('turns the crash hook on only when asked', () => {
    expect(readIngestSettings({ [TEST_ONLY_SIGKILL_ENV]: 'true' }).testOnlySigkillBeforeCommit).toBe(true);
  });
});
