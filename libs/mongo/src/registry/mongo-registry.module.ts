import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DEVICE_METADATA_STORE } from '@smartgrid/registry';
import { DEVICE_METADATA_MODEL, DeviceMetadataSchema } from './device-metadata.schema';
import { MongoDeviceMetadataStore } from './mongo-device-metadata.store';

/** Binds DEVICE_METADATA_STORE to the `device_metadata` collection. Needs MongoModule.forRootAsync in the app. */
@Module({
  imports: [MongooseModule.forFeature([{ name: DEVICE_METADATA_MODEL, schema: DeviceMetadataSchema }])],
  providers: [{ provide: DEVICE_METADATA_STORE, useClass: MongoDeviceMetadataStore }],
  exports: [DEVICE_METADATA_STORE],
})
export class MongoRegistryModule {}
