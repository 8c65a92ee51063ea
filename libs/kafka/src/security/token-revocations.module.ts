import { Global, Module } from '@nestjs/common';
import { TokenRevocationsFeed, TokenRevocationsPublisher } from './token-revocations.topic';

/**
 * Revocable tokens over Kafka, for both apps: the feed fills the app's TokenRevocationList
 * (from AuthModule) from `token-revocations`; the publisher is used by user-management. Needs
 * AuthModule and KafkaModule in the app.
 */
@Global()
@Module({
  providers: [TokenRevocationsFeed, TokenRevocationsPublisher],
  exports: [TokenRevocationsFeed, TokenRevocationsPublisher],
})
export class TokenRevocationsModule {}
