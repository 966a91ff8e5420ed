/**
 * Opens a beneficiary's file in the social-services simulator, as its seeding route allows
 * (`POST /dossiers`), with the birth data the service recorded: for the import and file lister
 * tests, which need a silo holding a known population.
 */
export async function openSocialServicesFile(
  silo: { url: string; apiKey: string },
  file: { numeroDossier: string; nom: string; prenoms: string; naissance: Record<string, string> },
): Promise<void> {
  const response = await fetch(`${silo.url}/dossiers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': silo.apiKey },
    body: JSON.stringify({ ...file, adresse: { libelleVoie: 'rue Garibaldi', codePostal: '69003', commune: 'Lyon' } }),
  });
  if (response.status !== 201) throw new Error(`opening file ${file.numeroDossier}: ${response.status}`);
}
