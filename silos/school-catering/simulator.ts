/** The school-catering simulator in the quick start: its REST API with the demo families, and where the demo shows it. */
import type { SimulatorDefinition } from '../shared/simulators.ts';
import { seedSchoolCatering } from './seed.ts';
import { startSchoolCateringSilo } from './server.ts';
import { schoolCateringSiloSettings } from './settings.ts';

const schoolCateringSimulator: SimulatorDefinition<typeof schoolCateringSiloSettings> = {
  name: 'school-catering',
  settings: schoolCateringSiloSettings,
  demoIdentities: { 'jeanne-martin': 'PER-000123', 'paul-nguyen': 'PER-000456' },
  async start({ dataDir, settings }) {
    const silo = await startSchoolCateringSilo({
      port: settings.port,
      dataDir,
      ...(settings.token ? { token: settings.token } : {}),
    });
    try {
      await seedSchoolCatering(silo.store);
    } catch (error) {
      await silo.close();
      throw error;
    }
    return {
      urls: { 'school-catering': silo.url },
      connectorEnv: { SCHOOL_CATERING_URL: silo.url },
      banner: () => [
        { rank: 120, lines: [`  school catering ${silo.url} (simulator: families' canteen and nursery billing)`] },
        { rank: 210, lines: [`  curl -s ${silo.url}/familles/FAM-000123   (school catering: the family's billing address)`] },
        {
          rank: 510,
          lines: [
            'Then see the household as school catering received it (foyerDeclare, for the fee band):',
            `  curl -s ${silo.url}/familles/FAM-000456`,
          ],
        },
        { rank: 620, lines: [`  curl -s ${silo.url}/familles/FAM-000123   (she paid the bills: the family is flagged to contact)`] },
      ],
      instance: silo,
      stop: () => silo.close(),
    };
  },
};

export default schoolCateringSimulator;
