/**
 * Demo feed: produces realistic `sensor-data` and `meter-readings` streams to Kafka.
 *
 *   npm run feed -- --sensors 60 --meters 30 --rate 500 --invalid 0.02 --duration 120
 *
 * Options (all optional):
 *   --sensors N       sensors, spread over six kinds (voltage, current, ...)      default 60
 *   --meters N        electricity meters, 1..2 per customer                          default 30
 *   --rate R          messages per second, both topics together                    default 200
 *   --count N         stop after N messages                                          default: no limit
 *   --duration S      stop after S seconds                                           default: no limit
 *   --invalid F       fraction of malformed messages (0..1), for the dead-letter path  default 0.01
 *   --interval S      simulated seconds between two readings of one device          default 60
 *   --backfill H      start H simulated hours in the past and catch up to now       default 24
 *   --seed N          random seed (same seed, same fleet and values)                 default 1
 *   --id-prefix P     prefix for sensor/meter/customer ids                           default ''
 * Environment: KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX, KAFKA_CLIENT_ID, KAFKA_TOPIC_PARTITIONS.
 */
import { kafkaConfig, validateEnvironment, ConfigValidationError } from '@smartgrid/config';
import { buildKafkaJsConfig, ensureTopics, prefixedTopic, TOPICS, withDlqTwins } from '@smartgrid/kafka';
import { CompressionTypes, Kafka, Partitioners } from 'kafkajs';
import { FeedOptions, runFeed } from './feed.producer';

export class UsageError extends Error {}

const FLAGS = ['sensors', 'meters', 'rate', 'count', 'duration', 'invalid', 'interval', 'backfill', 'seed', 'id-prefix'] as const;
type Flag = (typeof FLAGS)[number];

export function parseFeedArgs(argv: readonly string[], nowMs = Date.now()): FeedOptions {
  const given = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    if (!name || !(FLAGS as readonly string[]).includes(name)) throw new UsageError(`unknown argument ${arg}; expected one of ${FLAGS.map((f) => `--${f}`).join(', ')}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    given.set(name as Flag, value);
  }
  const num = (flag: Flag, fallback: number | undefined, check: (n: number) => boolean, what: string): number | undefined => {
    const raw = given.get(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${flag} must be ${what}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const int = (n: number): boolean => Number.isInteger(n);
  const sensors = num('sensors', 60, (n) => int(n) && n >= 0 && n <= 1_000_000, 'an integer 0..1000000') as number;
  const meters = num('meters', 30, (n) => int(n) && n >= 0 && n <= 1_000_000, 'an integer 0..1000000') as number;
  if (sensors + meters === 0) throw new UsageError('--sensors and --meters cannot both be 0');
  const idPrefix = given.get('id-prefix') ?? '';
  if (!/^[A-Za-z0-9._-]{0,32}$/.test(idPrefix)) throw new UsageError('--id-prefix must be at most 32 of [A-Za-z0-9._-]');
  const backfillHours = num('backfill', 24, (n) => n >= 0 && n <= 24 * 366, 'hours between 0 and 8784') as number;
  return {
    sensors,
    meters,
    rate: num('rate', 200, (n) => n > 0 && n <= 1_000_000, 'a number of messages per second in (0, 1000000]') as number,
    count: num('count', undefined, (n) => int(n) && n > 0, 'a positive integer'),
    durationSec: num('duration', undefined, (n) => n > 0, 'a positive number of seconds'),
    invalidFraction: num('invalid', 0.01, (n) => n >= 0 && n <= 1, 'a fraction between 0 and 1') as number,
    intervalSec: num('interval', 60, (n) => n >= 0.001 && n <= 86_400, 'seconds between 0.001 and 86400') as number,
    startMs: nowMs - backfillHours * 3_600_000,
    seed: num('seed', 1, int, 'an integer') as number,
    idPrefix,
  };
}

async function main(): Promise<void> {
  // The demo runs against the local stack unless told otherwise.
  if (!process.env.KAFKA_BROKERS) process.env.KAFKA_BROKERS = '127.0.0.1:9092';
  validateEnvironment(process.env, ['kafka']);
  const opts = parseFeedArgs(process.argv.slice(2));
  const cfg = kafkaConfig();
  const kafka = new Kafka(buildKafkaJsConfig(cfg, '-demo-feed'));
  const topics = { sensor: prefixedTopic(cfg.topicPrefix, TOPICS.sensorData), meter: prefixedTopic(cfg.topicPrefix, TOPICS.meterReadings) };
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, withDlqTwins([topics.sensor, topics.meter]), cfg.topicPartitions);
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let stopping = false;
  const stop = (): void => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const t0 = Date.now();
  const log = (s: { sent: number; invalid: number; simulatedUntil: Date }): void => {
    const secs = (Date.now() - t0) / 1000;
    process.stderr.write(
      `feed: ${s.sent} sent (${s.invalid} invalid) in ${secs.toFixed(1)}s, ${(s.sent / Math.max(secs, 0.001)).toFixed(0)} msg/s, simulated up to ${s.simulatedUntil.toISOString()}\n`,
    );
  };
  process.stderr.write(
    `feed: ${opts.sensors} sensors, ${opts.meters} meters -> ${topics.sensor}, ${topics.meter} at ${opts.rate} msg/s, ${(opts.invalidFraction * 100).toFixed(1)}% invalid\n`,
  );
  try {
    const stats = await runFeed(
      opts,
      {
        send: async (kind, messages) => {
          await producer.send({ topic: topics[kind], acks: -1, compression: CompressionTypes.None, messages });
        },
      },
      () => stopping,
      log,
    );
    log(stats);
  } finally {
    await producer.disconnect();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    if (e instanceof UsageError || e instanceof ConfigValidationError) {
      process.stderr.write(`feed: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`feed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
