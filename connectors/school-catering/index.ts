/** school-catering: the municipality's school-catering and nursery billing service, families over REST/OpenAPI. */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { SchoolCateringClient } from './client.ts';
import { schoolCateringConfig } from './config.ts';
import { ADDRESS_CHANGED, DEATH_REGISTERED, HOUSEHOLD_CHANGED } from './mapping.ts';
import { createSchoolCateringSink } from './sink.ts';

export const schoolCateringConnector: ConnectorDefinition = {
  kind: 'school-catering',
  description:
    "School catering and nurseries (REST/OpenAPI): moves the family's billing address, keeps the declared household, ends a child's registrations on death.",
  accepts: [ADDRESS_CHANGED, HOUSEHOLD_CHANGED, DEATH_REGISTERED],
  createSink: ({ config }) => createSchoolCateringSink(new SchoolCateringClient(schoolCateringConfig(config))),
};
