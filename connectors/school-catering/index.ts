/** school-catering: the municipality's school-catering and nursery billing service, families over REST/OpenAPI. */
import type { ConnectorDefinition } from '@relais/connector-kit';
import { SchoolCateringClient } from './client.ts';
import { schoolCateringConfig, schoolCateringSettings } from './config.ts';
import { ADDRESS_CHANGED, DEATH_REGISTERED, HOUSEHOLD_CHANGED } from './mapping.ts';
import { createSchoolCateringSink } from './sink.ts';

const schoolCateringConnector: ConnectorDefinition<typeof schoolCateringSettings> = {
  kind: 'school-catering',
  description:
    "School catering and nurseries (REST/OpenAPI): moves the family's billing address, keeps the declared household, ends a child's registrations on death.",
  accepts: [ADDRESS_CHANGED, HOUSEHOLD_CHANGED, DEATH_REGISTERED],
  settings: schoolCateringSettings,
  createSink: ({ settings }) => createSchoolCateringSink(new SchoolCateringClient(schoolCateringConfig(settings))),
};

export default schoolCateringConnector;
