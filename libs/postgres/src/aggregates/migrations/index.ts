import { CreateSensorAggregates1795800000000 } from './1795800000000-create-sensor-aggregates';
import { CreateConsumptionAggregates1795800000001 } from './1795800000001-create-consumption-aggregates';

/** sensor_aggregates and consumption_aggregates with their triggers; pass after timeseriesMigrations. */
export const aggregatesMigrations: Function[] = [CreateSensorAggregates1795800000000, CreateConsumptionAggregates1795800000001];
