#!/bin/bash
# One node of docker-compose's Kafka cluster, secured: TLS + SASL/SCRAM-SHA-512 on 9092, KRaft's
# StandardAuthorizer, the SCRAM users created when the storage is first formatted, and (node 1)
# the components' ACLs applied once the cluster answers. Everything secret comes from the files
# the RELAIS_* variables of docker-compose.yml name (/run/secrets, made by infra/compose/secrets.ts):
# the key and trust stores and their password, the ACLs, and each SCRAM user's password
# (RELAIS_SCRAM_USER_<n>_FILE, the user being the file's name after `kafka_password_`).
# Uses only Kafka's own scripts: the image has no Node. Not the image's own entry point: it
# cannot add SCRAM users when it formats the storage.
set -euo pipefail
read_secret() { tr -d '\n' < "$1"; }
store_password=$(read_secret "$RELAIS_KAFKA_STORE_PASSWORD_FILE")
admin_password=$(read_secret /run/secrets/kafka_password_admin)
config=/tmp/server.properties
admin_config=/tmp/admin.properties

cat > "$config" <<EOF
process.roles=broker,controller
node.id=${NODE_ID}
controller.quorum.voters=1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093
listeners=SASL_SSL://:9092,CONTROLLER://:9093
advertised.listeners=SASL_SSL://kafka-${NODE_ID}:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${admin_password}";
ssl.keystore.type=PKCS12
ssl.keystore.location=${RELAIS_KAFKA_KEYSTORE_FILE}
ssl.keystore.password=${store_password}
ssl.key.password=${store_password}
ssl.truststore.type=PKCS12
ssl.truststore.location=${RELAIS_KAFKA_TRUSTSTORE_FILE}
ssl.truststore.password=${store_password}
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
# The controller listener is PLAINTEXT on the compose network only (never published): KRaft
# controllers cannot authenticate SCRAM, so its principal must be a super user (docs/security.md).
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
log.dirs=/var/lib/kafka/data
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
default.replication.factor=3
min.insync.replicas=2
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
EOF

cat > "$admin_config" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${admin_password}";
ssl.truststore.type=PKCS12
ssl.truststore.location=${RELAIS_KAFKA_TRUSTSTORE_FILE}
ssl.truststore.password=${store_password}
EOF

scram=()
for variable in $(compgen -v RELAIS_SCRAM_USER_); do
  file=${!variable}
  scram+=(--add-scram "SCRAM-SHA-512=[name=$(basename "$file" | sed 's/^kafka_password_//'),password=$(read_secret "$file")]")
done
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t "${CLUSTER_ID}" -c "$config" "${scram[@]}" > /dev/null

if [ "${NODE_ID}" = 1 ]; then
  (
    until /opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server kafka-1:9092 --command-config "$admin_config" > /dev/null 2>&1; do sleep 5; done
    # Adding an ACL that exists changes nothing, so every start applies the whole list.
    while read -r grant; do
      [ -n "$grant" ] && /opt/kafka/bin/kafka-acls.sh --bootstrap-server kafka-1:9092 --command-config "$admin_config" --add --force $grant > /dev/null
    done < "$RELAIS_KAFKA_ACLS_FILE"
    echo "relais: ACLs applied"
  ) &
fi
exec /opt/kafka/bin/kafka-server-start.sh "$config"
