/** school-catering: the municipality's school-catering and nursery billing service, families over REST/OpenAPI. */
import { ADDRESS_CHANGED_V1, type ConnectorDefinition, DEATH_REGISTERED_V1, HOUSEHOLD_CHANGED_V1 } from '@relais/connector-kit';
import { SchoolCateringClient } from './client.ts';
import { schoolCateringConfig, schoolCateringSettings } from './config.ts';
import { createSchoolCateringSink } from './sink.ts';

const schoolCateringConnector: ConnectorDefinition<typeof schoolCateringSettings> = {
  kind: 'school-catering',
  description:
    "School catering and nurseries (REST/OpenAPI): moves the family's billing address, keeps the declared household, ends a child's registrations on death.",
  accepts: [ADDRESS_CHANGED_V1, HOUSEHOLD_CHANGED_V1, DEATH_REGISTERED_V1],
  settings: schoolCateringSettings,
  createSink: ({ settings }) => createSchoolCateringSink(new SchoolCateringClient(schoolCateringConfig(settings))),
};

export default schoolCateringConnector;
