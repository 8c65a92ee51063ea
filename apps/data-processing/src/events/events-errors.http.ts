import { ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import {
  AlarmNotFoundError,
  AlarmRuleNotFoundError,
  AlarmsUnavailableError,
  AlarmTransitionError,
  BadCursorError,
  EventsUnavailableError,
  PeriodError,
  RuleDefinitionError,
  SensorNotFoundError,
  UnsupportedSensorError,
} from '@smartgrid/events';
import { InvalidInputException } from '@smartgrid/http';
import { messageOf, StorageReadError, StoreNotReadyError } from '@smartgrid/hybrid-storage';
import { HttpException } from '@nestjs/common';

/**
 * Maps the events domain's errors to HTTP: input the domain refuses 400 naming the field, unknown
 * ids 404, a lifecycle step the alarm's status does not allow 409, no store answering 503.
 * `storeBound`: the call needed one store (PostgreSQL) and anything else it threw means that
 * store could not answer.
 */
export function eventsHttpError(err: unknown, storeBound = false): unknown {
  if (err instanceof HttpException) return err;
  if (err instanceof RuleDefinitionError) return new InvalidInputException([{ field: err.field, message: err.message }]);
  if (err instanceof PeriodError) return new InvalidInputException([{ field: err.field, message: err.message }]);
  if (err instanceof BadCursorError) return new InvalidInputException([{ field: 'cursor', message: err.message }]);
  if (err instanceof UnsupportedSensorError) return new InvalidInputException([{ field: 'id', message: err.message }]);
  if (err instanceof AlarmNotFoundError || err instanceof AlarmRuleNotFoundError || err instanceof SensorNotFoundError) return new NotFoundException(err.message);
  if (err instanceof AlarmTransitionError) return new ConflictException(err.message);
  if (err instanceof AlarmsUnavailableError || err instanceof EventsUnavailableError) return new ServiceUnavailableException(err.message);
  if (err instanceof StorageReadError) return new ServiceUnavailableException(`no store could answer: ${err.attempts.map((a) => `${a.store}: ${a.error}`).join('; ')}`);
  if (err instanceof StoreNotReadyError || storeBound) return new ServiceUnavailableException(`PostgreSQL could not answer: ${messageOf(err)}`);
  return err;
}
