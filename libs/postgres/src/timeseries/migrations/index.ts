import { CreateGridEntities1767398400000 } from './1767398400000-create-grid-entities';
import { CreateSensorData1767398400100 } from './1767398400100-create-sensor-data';
import { CreateMeterReadings1767398400200 } from './1767398400200-create-meter-readings';
import { CreateReplicationBacklog1767398400300 } from './1767398400300-create-replication-backlog';
import { QuarantineAndReadingUnit1796000000000 } from './1796000000000-quarantine-and-reading-unit';
import { PartitionFunctionAsOwner1796200000100 } from './1796200000100-partition-function-as-owner';
import { GridRegistry1797000000000 } from './1797000000000-grid-registry';
import { RetentionAndDeletions1797100000000 } from './1797100000000-retention-and-deletions';
import { LatestFollowsDeletions1797100000200 } from './1797100000200-latest-follows-deletions';
import { OnePartitionCreator1797600000000 } from './1797600000000-one-partition-creator';

/**
 * customers, meters, sensors (the grid registry: statuses, meter assignments, metadata inbox
 * and search copy, newest reading per device), sensor_data (monthly partitions),
 * meter_readings and the replication backlog and quarantine. Pass after foundationMigrations and before anything that builds on
 * these tables (e.g. the aggregates migrations).
 */
export const timeseriesMigrations: Function[] = [
  CreateGridEntities1767398400000,
  CreateSensorData1767398400100,
  CreateMeterReadings1767398400200,
  CreateReplicationBacklog1767398400300,
  QuarantineAndReadingUnit1796000000000,
  PartitionFunctionAsOwner1796200000100,
  GridRegistry1797000000000,
  RetentionAndDeletions1797100000000,
  LatestFollowsDeletions1797100000200,
  OnePartitionCreator1797600000000,
];
