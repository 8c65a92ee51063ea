import { DynamicModule, Module, Type } from '@nestjs/common';
import { CustomersService } from './customers.service';
import { DeviceMetadataService } from './metadata/device-metadata.service';
import { MetersService } from './meters.service';
import { SensorsService } from './sensors.service';

export interface RegistryModuleOptions {
  /**
   * Modules that bind the ports: CUSTOMERS_STORE, METERS_STORE, SENSORS_STORE,
   * DEVICE_METADATA_INDEX (e.g. PostgresRegistryModule) and DEVICE_METADATA_STORE (e.g.
   * MongoRegistryModule).
   */
  imports: (Type | DynamicModule)[];
}

const services = [CustomersService, MetersService, SensorsService, DeviceMetadataService];

/** The registry's services over the ports the imported persistence modules bind. */
@Module({})
export class RegistryModule {
  static forRoot(options: RegistryModuleOptions): DynamicModule {
    const imports = options.imports;
    // The ports stay visible to the app (its background jobs use them too).
    return { module: RegistryModule, imports, providers: services, exports: [...services, ...imports] };
  }
}
