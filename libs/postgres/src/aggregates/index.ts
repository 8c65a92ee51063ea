export { aggregatesMigrations } from './migrations';
export { AggregatesRepository } from './aggregates.repository';
export type {
  ConsumptionInterval,
  CustomerConsumptionRow,
  MeterConsumptionRow,
  SensorAggregateRow,
  SensorBucketInterval,
} from './aggregates.repository';
