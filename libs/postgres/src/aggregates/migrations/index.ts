import { CreateSensorAggregates1795800000000 } from './1795800000000-create-sensor-aggregates';
import { CreateConsumptionAggregates1795800000001 } from './1795800000001-create-consumption-aggregates';
import { FiveMinuteSensorAggregates1796100000000 } from './1796100000000-five-minute-sensor-aggregates';
import { ConsumptionByAssignment1797000000100 } from './1797000000100-consumption-by-assignment';
import { AggregatesFollowDeletions1797100000100 } from './1797100000100-aggregates-follow-deletions';

/**
 * sensor_aggregates (5m, hour, day) and consumption_aggregates with their triggers
 * (consumption attributed by the registry's meter assignments); pass after timeseriesMigrations.
 */
export const aggregatesMigrations: Function[] = [
  CreateSensorAggregates1795800000000,
  CreateConsumptionAggregates1795800000001,
  FiveMinuteSensorAggregates1796100000000,
  ConsumptionByAssignment1797000000100,
  AggregatesFollowDeletions1797100000100,
];
