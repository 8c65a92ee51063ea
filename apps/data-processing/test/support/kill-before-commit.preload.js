// TEST ONLY, loaded with `node -r` into a child data-processing app by the crash specs; no
// production module knows about it. It wraps kafkajs so that the first offset commit of the
// process — a plain consumer commit or the commit of a transaction that carries one — kills
// the process with SIGKILL instead: the batch is durable in the stores (and its dead letters,
// if any, are in an open transaction) but its offset is not committed.
'use strict';
const kafkajs = require('kafkajs');

function die(what) {
  process.stderr.write(`TEST HOOK: ${what} reached, killing myself before the commit\n`);
  process.kill(process.pid, 'SIGKILL');
  return new Promise(() => undefined);
}

const consumer = kafkajs.Kafka.prototype.consumer;
kafkajs.Kafka.prototype.consumer = function (...args) {
  const c = consumer.apply(this, args);
  c.commitOffsets = () => die('consumer.commitOffsets');
  return c;
};

const producer = kafkajs.Kafka.prototype.producer;
kafkajs.Kafka.prototype.producer = function (...args) {
  const p = producer.apply(this, args);
  const transaction = p.transaction;
  p.transaction = async (...targs) => {
    const txn = await transaction.apply(p, targs);
    const sendOffsets = txn.sendOffsets;
    let carriesOffsets = false;
    txn.sendOffsets = async (...o) => {
      carriesOffsets = true;
      return sendOffsets.apply(txn, o);
    };
    const commit = txn.commit;
    txn.commit = async (...c) => (carriesOffsets ? die('transaction.commit') : commit.apply(txn, c));
    return txn;
  };
  return p;
};
