// An ESLint rule: production code names an event type by its generated constant
// (schemas/generated/event-types.ts, re-exported by @relais/connector-kit), never by a string
// literal, so a renamed or retired type breaks the build instead of a delivery. Applied to
// connectors/, gateway/ and router/ (eslint.config.js); tests and fixtures may spell types out.

/** A whole string that is a catalogue event type (`fr.relais.<…>.v<n>`), not text mentioning one. */
const EVENT_TYPE = /^fr\.relais\.[a-z0-9-]+(\.[a-z0-9-]+)*\.v[0-9]+$/;

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      literal: "'{{value}}' is an event type: import its constant from @relais/connector-kit (or schemas/index.ts) instead",
    },
  },
  create(context) {
    const check = (node, value) => {
      if (typeof value === 'string' && EVENT_TYPE.test(value)) context.report({ node, messageId: 'literal', data: { value } });
    };
    return {
      Literal: (node) => check(node, node.value),
      TemplateLiteral: (node) => node.expressions.length === 0 && check(node, node.quasis[0]?.value.cooked),
    };
  },
};
