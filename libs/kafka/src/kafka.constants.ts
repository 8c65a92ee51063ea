/** DI token of the kafkajs `Kafka` instance built from kafkaConfig. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
/** DI token of the connected kafkajs `Producer` (idempotent, acks=all). */
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
/** DI token of the connected kafkajs `Admin` (topic creation, health). */
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
/** DI token of the options given to KafkaModule.forRootAsync. */
export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');
