import { Module } from '@nestjs/common';
import { CUSTOMERS_STORE, DEVICE_METADATA_INDEX, METERS_STORE, SENSORS_STORE } from '@smartgrid/registry';
import { PostgresCustomersStore } from './postgres-customers.store';
import { PostgresDeviceMetadataIndex } from './postgres-device-metadata.index';
import { PostgresMetersStore } from './postgres-meters.store';
import { PostgresSensorsStore } from './postgres-sensors.store';

/**
 * Binds the registry's PostgreSQL ports. The tables come with `timeseriesMigrations` and
 * `aggregatesMigrations` (the registry grows out of the reference rows readings point at).
 * Needs PostgresModule (global DataSource).
 */
@Module({
  providers: [
    { provide: CUSTOMERS_STORE, useClass: PostgresCustomersStore },
    { provide: METERS_STORE, useClass: PostgresMetersStore },
    { provide: SENSORS_STORE, useClass: PostgresSensorsStore },
    { provide: DEVICE_METADATA_INDEX, useClass: PostgresDeviceMetadataIndex },
  ],
  exports: [CUSTOMERS_STORE, METERS_STORE, SENSORS_STORE, DEVICE_METADATA_INDEX],
})
export class PostgresRegistryModule {}
