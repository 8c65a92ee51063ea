import { Module } from '@nestjs/common';
import { AlarmRulesController } from './alarm-rules.controller';
import { AlarmsController } from './alarms.controller';
import { EventsAudit } from './events.audit';
import { PowerQualityController } from './power-quality.controller';

/**
 * Grid events and alarms: rules, evaluation on ingest (called by the ingest controller), the
 * event history, the alarm lifecycle and EN 50160 reports. Needs the global events module
 * (gridEvents() in events.wiring.ts). See docs/events.md.
 */
@Module({
  controllers: [AlarmRulesController, AlarmsController, PowerQualityController],
  providers: [EventsAudit],
})
export class EventsFeatureModule {}
