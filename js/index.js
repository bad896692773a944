'use strict';
// agentphone-rs: the AgentPhone API (telephony for AI agents) for Node, on a Rust core.

const { AgentPhone, Recording } = require('./client');
const errors = require('./errors');
const webhooks = require('./webhooks');
const native = require('./native');

const { toError, ...errorClasses } = errors;

module.exports = {
  AgentPhone,
  Recording,
  ...errorClasses,
  ...webhooks,
  USER_AGENT: native.userAgent(),
  operations: () => native.operations().map(([id, resource, method, isList]) => ({ id, resource, method, isList: isList === 'true' })),
};
