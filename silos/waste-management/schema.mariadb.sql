-- "Ordures+" (simulated): the waste-management software's own database, as its vendor ships it
-- for MariaDB. Relais does not own this schema; the connector reads and writes it like the
-- vendor's batch jobs do. Times are UTC (DATETIME has no zone); date_maj is maintained by every
-- writer (the vendor's screens and the connector), and the connector's incident source relies
-- on it.

CREATE TABLE tournee (
  id_tournee    INT AUTO_INCREMENT PRIMARY KEY,
  code_tournee  VARCHAR(20)  NOT NULL UNIQUE,
  libelle       VARCHAR(100) NOT NULL,
  flux          VARCHAR(10)  NOT NULL COMMENT 'OM ordures ménagères, CS collecte sélective, VERRE, BIO',
  jour_collecte VARCHAR(10)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE adresse (
  id_adresse    INT AUTO_INCREMENT PRIMARY KEY,
  numero        VARCHAR(5)   NOT NULL DEFAULT '',
  indice        VARCHAR(10)  NOT NULL DEFAULT '',
  libelle_voie  VARCHAR(100) NOT NULL,
  complement    VARCHAR(100),
  code_postal   VARCHAR(5)   NOT NULL,
  commune       VARCHAR(100) NOT NULL,
  code_insee    VARCHAR(5),
  id_tournee_om INT REFERENCES tournee (id_tournee),
  id_tournee_cs INT REFERENCES tournee (id_tournee),
  date_creation DATETIME(3)  NOT NULL DEFAULT (UTC_TIMESTAMP(3)),
  UNIQUE KEY adresse_unique (code_postal, libelle_voie, numero, indice)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE foyer (
  id_foyer      INT AUTO_INCREMENT PRIMARY KEY,
  numero_foyer  VARCHAR(20) NOT NULL UNIQUE,
  id_adresse    INT         NOT NULL REFERENCES adresse (id_adresse),
  nb_personnes  INT         NOT NULL DEFAULT 1 COMMENT 'the fee depends on it (redevance incitative)',
  statut        VARCHAR(10) NOT NULL DEFAULT 'ACTIF' COMMENT 'ACTIF, CLOS',
  date_creation DATETIME(3) NOT NULL DEFAULT (UTC_TIMESTAMP(3)),
  date_maj      DATETIME(3) NOT NULL DEFAULT (UTC_TIMESTAMP(3))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE usager (
  id_usager     INT AUTO_INCREMENT PRIMARY KEY,
  numero_usager VARCHAR(20)  NOT NULL UNIQUE COMMENT 'printed on the bill; the identifier Relais knows',
  id_foyer      INT          REFERENCES foyer (id_foyer),
  nom           VARCHAR(100) NOT NULL,
  prenom        VARCHAR(100) NOT NULL,
  qualite       VARCHAR(10)  NOT NULL DEFAULT 'MEMBRE' COMMENT 'TITULAIRE, MEMBRE',
  statut        VARCHAR(10)  NOT NULL DEFAULT 'ACTIF' COMMENT 'ACTIF, DECEDE',
  date_deces    DATE,
  date_naissance       DATE,
  commune_naissance    VARCHAR(100),
  code_insee_naissance VARCHAR(5),
  pays_naissance       CHAR(2)      COMMENT 'ISO 3166 alpha-2',
  date_maj      DATETIME(3)  NOT NULL DEFAULT (UTC_TIMESTAMP(3))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE bac (
  id_bac        INT AUTO_INCREMENT PRIMARY KEY,
  numero_puce   VARCHAR(20) NOT NULL UNIQUE COMMENT 'RFID chip read by the truck',
  flux          VARCHAR(10) NOT NULL,
  volume_litres INT         NOT NULL,
  id_adresse    INT         REFERENCES adresse (id_adresse)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE abonnement (
  id_abonnement INT AUTO_INCREMENT PRIMARY KEY,
  id_foyer      INT         NOT NULL REFERENCES foyer (id_foyer),
  id_adresse    INT         NOT NULL REFERENCES adresse (id_adresse),
  id_bac        INT         COMMENT 'NULL: a bin is to be delivered' REFERENCES bac (id_bac),
  flux          VARCHAR(10) NOT NULL,
  volume_litres INT         NOT NULL,
  date_debut    DATE        NOT NULL,
  date_fin      DATE,
  motif_fin     VARCHAR(20) COMMENT 'DEMENAGEMENT, DECES',
  statut        VARCHAR(10) NOT NULL DEFAULT 'ACTIF' COMMENT 'ACTIF, RESILIE',
  date_maj      DATETIME(3) NOT NULL DEFAULT (UTC_TIMESTAMP(3)),
  KEY abonnement_foyer (id_foyer, statut)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE incident (
  id_incident            INT AUTO_INCREMENT PRIMARY KEY,
  reference_externe      VARCHAR(64)   UNIQUE COMMENT 'the request id of the portal that reported it (Relais)',
  id_foyer               INT           REFERENCES foyer (id_foyer),
  id_usager              INT           REFERENCES usager (id_usager),
  id_adresse             INT           REFERENCES adresse (id_adresse),
  categorie              VARCHAR(30)   NOT NULL COMMENT 'COLLECTE_NON_EFFECTUEE, BAC_ENDOMMAGE, ENCOMBRANT, DEPOT_SAUVAGE, AUTRE',
  lieu                   VARCHAR(250)  COMMENT 'where, as reported',
  description            VARCHAR(1000),
  canal                  VARCHAR(20)   NOT NULL COMMENT 'GUICHET, TELEPHONE, WEB, COURRIER, PORTAIL',
  statut                 VARCHAR(10)   NOT NULL DEFAULT 'OUVERT' COMMENT 'OUVERT, EN_COURS, RESOLU, CLOS',
  commentaire_resolution VARCHAR(1000),
  date_signalement       DATETIME(3)   NOT NULL,
  date_resolution        DATETIME(3),
  date_maj               DATETIME(3)   NOT NULL DEFAULT (UTC_TIMESTAMP(3)),
  KEY incident_maj (date_maj, id_incident)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
