// The local cluster (`npm run infra:up -- --cluster`): ZooKeeper, three KRaft Kafka brokers (each also a
// controller) and two ClickHouse 18.16 replicas of one shard, all on loopback ports of their own, so the
// single-node servers (9092, 8123) keep running beside it.
// Reads: infra/kafka/pom.xml, infra/cluster/zookeeper-pom.xml and the templates next to this file.
// Writes: only <root>/.local/cluster/ (jars, configs, data, logs, pid files).
// Guarantees: idempotent (a running node is left alone, data survives down/up); topics are created with
// replication factor 3 and min.insync.replicas=2; every node is ready when ensureCluster resolves.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { pingClickHouse, renderTemplate } from '../clickhouse/clickhouse.ts';
import { newClusterId } from '../kafka/kafka.ts';
import { ensureTopics, type TopicSpec } from '../topics.ts';
import { CLUSTER, CLUSTER_BROKERS, CLUSTER_CLICKHOUSE_URLS } from './layout.ts';
import {
  ensureMavenJars,
  infraError,
  type Log,
  type NodeSpec,
  runChecked,
  sleep,
  startNode,
  stopNode,
  tcpAccepts,
} from './processes.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const KAFKA_POM = path.join(HERE, '..', 'kafka', 'pom.xml');
const ZOOKEEPER_POM = path.join(HERE, 'zookeeper-pom.xml');

export { CLUSTER, CLUSTER_BROKERS, CLUSTER_CLICKHOUSE_URLS };

export function clusterHome(root: string): string {
  return path.join(path.resolve(root), '.local', 'cluster');
}

const javaHeap = (mb: number) => [`-Xms${Math.min(mb, 128)}m`, `-Xmx${mb}m`];

// ---------------------------------------------------------------------------------------------------------
// ZooKeeper

function zookeeperReady(): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const socket = connect({ host: '127.0.0.1', port: CLUSTER.zookeeperPort });
      let reply = '';
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => socket.write('srvr'));
      socket.on('data', (d) => {
        reply += d.toString();
      });
      // `srvr` names the mode only once the server really serves (`ruok` answers even before).
      socket.once('end', () => done(/^Mode: /m.test(reply)));
    });
  });
}

export function zookeeperNode(root: string): NodeSpec {
  const dir = path.join(clusterHome(root), 'zookeeper');
  const cfg = path.join(dir, 'zoo.cfg');
  return {
    name: 'zookeeper',
    dir,
    marker: cfg,
    command: 'java',
    args: [
      ...javaHeap(128),
      `-Dlogback.configurationFile=${path.join(dir, 'logback.xml')}`,
      '-Dzookeeper.admin.enableServer=false',
      '-cp',
      `${path.join(clusterHome(root), 'zookeeper-libs')}${path.sep}*`,
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      cfg,
    ],
    ready: zookeeperReady,
  };
}

async function writeZookeeperConfig(node: NodeSpec): Promise<void> {
  await fs.mkdir(path.join(node.dir, 'data'), { recursive: true });
  await fs.writeFile(
    node.marker,
    [
      '# Written by infra/cluster/cluster.ts; edits are overwritten.',
      `dataDir=${path.join(node.dir, 'data')}`,
      `clientPort=${CLUSTER.zookeeperPort}`,
      'clientPortAddress=127.0.0.1',
      'tickTime=2000',
      'initLimit=10',
      'syncLimit=5',
      'maxClientCnxns=0',
      'admin.enableServer=false',
      '4lw.commands.whitelist=ruok,mntr,srvr',
      'autopurge.snapRetainCount=3',
      'autopurge.purgeInterval=1',
      '',
    ].join('\n'),
  );
  await fs.writeFile(
    path.join(node.dir, 'logback.xml'),
    `<configuration>
  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{ISO8601} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="out"/></root>
</configuration>
`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Kafka

export function kafkaNode(root: string, id: number): NodeSpec {
  const broker = CLUSTER.kafka.find((b) => b.id === id);
  if (broker === undefined) throw infraError(`no Kafka broker ${id} in the cluster layout`);
  const dir = path.join(clusterHome(root), `kafka-${id}`);
  const props = path.join(dir, 'server.properties');
  return {
    name: `kafka-${id}`,
    dir,
    marker: props,
    command: 'java',
    args: [
      ...javaHeap(320),
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
      `-Dkafka.logs.dir=${path.join(dir, 'logs')}`,
      '-cp',
      `${path.join(clusterHome(root), 'kafka-libs')}${path.sep}*`,
      'kafka.Kafka',
      props,
    ],
    ready: async () => (await tcpAccepts(broker.port)) && (await brokerAnswers(`127.0.0.1:${broker.port}`)),
  };
}

async function brokerAnswers(broker: string): Promise<boolean> {
  const kafka = new kafkajs.Kafka({
    clientId: 'precursor-risk-cluster-probe',
    brokers: [broker],
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.length === CLUSTER.kafka.length;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Broker and controller in one process (KRaft combined mode): three voters, so one may die. */
export function kafkaServerProperties(dir: string, id: number): string {
  const broker = CLUSTER.kafka.find((b) => b.id === id);
  if (broker === undefined) throw infraError(`no Kafka broker ${id} in the cluster layout`);
  const voters = CLUSTER.kafka.map((b) => `${b.id}@127.0.0.1:${b.controllerPort}`).join(',');
  const props: [string, string | number | boolean][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', id],
    ['controller.quorum.voters', voters],
    ['listeners', `PLAINTEXT://127.0.0.1:${broker.port},CONTROLLER://127.0.0.1:${broker.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://127.0.0.1:${broker.port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listener.security.protocol.map', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT'],
    ['log.dirs', path.join(dir, 'data')],
    ['num.partitions', 3],
    ['default.replication.factor', CLUSTER.replicationFactor],
    ['min.insync.replicas', CLUSTER.minInsyncReplicas],
    ['offsets.topic.replication.factor', CLUSTER.replicationFactor],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', CLUSTER.replicationFactor],
    ['transaction.state.log.min.isr', CLUSTER.minInsyncReplicas],
    ['transaction.state.log.num.partitions', 10],
    ['unclean.leader.election.enable', false],
    ['group.initial.rebalance.delay.ms', 0],
    ['auto.create.topics.enable', false],
    ['delete.topic.enable', true],
    ['num.network.threads', 2],
    ['num.io.threads', 2],
    ['num.replica.fetchers', 1],
    ['replica.lag.time.max.ms', 30_000],
    ['log.segment.bytes', 16 * 1024 * 1024],
    ['log.retention.hours', 24],
    ['log.cleaner.dedupe.buffer.size', 8 * 1024 * 1024],
    ['message.max.bytes', 4 * 1024 * 1024],
    ['replica.fetch.max.bytes', 4 * 1024 * 1024],
  ];
  return `# Written by infra/cluster/cluster.ts on every up; edits are overwritten.\n${props
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

function kafkaLog4j(dir: string): string {
  return `log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${path.join(dir, 'logs', 'server.log')}
log4j.appender.file.MaxFileSize=10MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
`;
}

async function prepareKafka(root: string, id: number): Promise<NodeSpec> {
  const node = kafkaNode(root, id);
  await fs.mkdir(path.join(node.dir, 'logs'), { recursive: true });
  await fs.writeFile(node.marker, kafkaServerProperties(node.dir, id));
  await fs.writeFile(path.join(node.dir, 'log4j.properties'), kafkaLog4j(node.dir));
  if (!existsSync(path.join(node.dir, 'data', 'meta.properties'))) {
    const idFile = path.join(clusterHome(root), 'kafka-cluster-id');
    let clusterId = existsSync(idFile) ? (await fs.readFile(idFile, 'utf8')).trim() : '';
    if (clusterId === '') {
      clusterId = newClusterId();
      await fs.writeFile(idFile, `${clusterId}\n`);
    }
    await runChecked(
      'java',
      [
        '-Xmx256m',
        `-Dlog4j.configuration=file:${path.join(node.dir, 'log4j.properties')}`,
        '-cp',
        `${path.join(clusterHome(root), 'kafka-libs')}${path.sep}*`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        node.marker,
      ],
      node.dir,
      `kafka-${id} storage format`,
    );
  }
  return node;
}

// ---------------------------------------------------------------------------------------------------------
// ClickHouse

function serverBinary(): { file: string; args: string[] } {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin', '/usr/local/bin'];
  for (const [name, args] of [
    ['clickhouse-server', []],
    ['clickhouse', ['server']],
  ] as const) {
    for (const dir of dirs) {
      if (dir !== '' && existsSync(path.join(dir, name)))
        return { file: path.join(dir, name), args: [...args] };
    }
  }
  throw infraError(
    'clickhouse-server is not installed: run `npm run infra:up` once (it installs it) and retry',
  );
}

export function clickHouseNode(root: string, replica: string): NodeSpec {
  const spec = CLUSTER.clickhouse.find((c) => c.replica === replica);
  if (spec === undefined) throw infraError(`no ClickHouse replica ${replica} in the cluster layout`);
  const dir = path.join(clusterHome(root), `clickhouse-${replica}`);
  const config = path.join(dir, 'config.xml');
  const binary = serverBinary();
  return {
    name: `clickhouse-${replica}`,
    dir,
    marker: config,
    command: binary.file,
    args: [...binary.args, `--config-file=${config}`],
    ready: async () =>
      (await pingClickHouse(`http://127.0.0.1:${spec.httpPort}`, 1000)).kind === 'clickhouse',
  };
}

const xml = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function userBlock(name: string, password: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name))
    throw infraError(`ClickHouse user ${JSON.stringify(name)} is not a plain name`);
  const sha = createHash('sha256').update(password, 'utf8').digest('hex');
  return `        <${name}>
            <password_sha256_hex>${sha}</password_sha256_hex>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </${name}>`;
}

async function prepareClickHouse(
  root: string,
  replica: string,
  user: { name: string; password: string },
): Promise<NodeSpec> {
  const node = clickHouseNode(root, replica);
  const spec = CLUSTER.clickhouse.find((c) => c.replica === replica);
  if (spec === undefined) throw infraError(`no ClickHouse replica ${replica}`);
  const dirs = ['data', 'tmp', 'user_files', 'format_schemas', 'logs'].map((d) => path.join(node.dir, d));
  for (const d of dirs) await fs.mkdir(d, { recursive: true });
  const [configTemplate, usersTemplate] = await Promise.all([
    fs.readFile(path.join(HERE, 'clickhouse-replica.template.xml'), 'utf8'),
    fs.readFile(path.join(HERE, 'clickhouse-users.template.xml'), 'utf8'),
  ]);
  // Replicas talk to each other as `default` (loopback only, no password), like the single node.
  const replicas = CLUSTER.clickhouse
    .map(
      (c) =>
        `                <replica><host>127.0.0.1</host><port>${c.tcpPort}</port><user>default</user></replica>`,
    )
    .join('\n');
  await fs.writeFile(
    node.marker,
    renderTemplate(configTemplate, {
      logDir: xml(path.join(node.dir, 'logs')),
      httpPort: String(spec.httpPort),
      tcpPort: String(spec.tcpPort),
      interserverPort: String(spec.interserverPort),
      dataDir: xml(path.join(node.dir, 'data')),
      tmpDir: xml(path.join(node.dir, 'tmp')),
      userFilesDir: xml(path.join(node.dir, 'user_files')),
      formatSchemaDir: xml(path.join(node.dir, 'format_schemas')),
      usersConfig: xml(path.join(node.dir, 'users.xml')),
      clusterName: CLUSTER.name,
      replicas,
      zookeeperPort: String(CLUSTER.zookeeperPort),
      replica,
    }),
  );
  const blocks = [userBlock('default', user.name === 'default' ? user.password : '')];
  if (user.name !== 'default') blocks.push(userBlock(user.name, user.password));
  await fs.writeFile(
    path.join(node.dir, 'users.xml'),
    renderTemplate(usersTemplate, { users: blocks.join('\n') }),
    {
      mode: 0o600,
    },
  );
  return node;
}

// ---------------------------------------------------------------------------------------------------------
// Whole cluster

export interface EnsureClusterOptions {
  root: string;
  user: string;
  password: string;
  log: Log;
}

/** Every node of the cluster, in start order. */
export function clusterNodes(root: string): NodeSpec[] {
  return [
    zookeeperNode(root),
    ...CLUSTER.kafka.map((b) => kafkaNode(root, b.id)),
    ...CLUSTER.clickhouse.map((c) => clickHouseNode(root, c.replica)),
  ];
}

export async function ensureCluster(opts: EnsureClusterOptions): Promise<{ started: string[] }> {
  const { root, log } = opts;
  const home = clusterHome(root);
  await fs.mkdir(home, { recursive: true });
  await Promise.all([
    ensureMavenJars(KAFKA_POM, path.join(home, 'kafka-libs'), log),
    ensureMavenJars(ZOOKEEPER_POM, path.join(home, 'zookeeper-libs'), log),
  ]);
  const started: string[] = [];
  const note = (name: string, r: { started: boolean }) => {
    if (r.started) started.push(name);
  };

  const zk = zookeeperNode(root);
  await writeZookeeperConfig(zk);
  const chNodes = await Promise.all(
    CLUSTER.clickhouse.map((c) =>
      prepareClickHouse(root, c.replica, { name: opts.user, password: opts.password }),
    ),
  );
  const kafkaNodes: NodeSpec[] = [];
  for (const b of CLUSTER.kafka) kafkaNodes.push(await prepareKafka(root, b.id));

  note(zk.name, await startNode(zk, log));
  // The brokers only answer once all three have joined the quorum: start them together.
  const results = await Promise.all([
    ...kafkaNodes.map((n) => startNode(n, log)),
    ...chNodes.map((n) => startNode(n, log)),
  ]);
  for (const [i, n] of [...kafkaNodes, ...chNodes].entries()) note(n.name, results[i] ?? { started: false });
  return { started };
}

/**
 * Creates the topics with three replicas and min.insync.replicas=2, and waits until every broker reports
 * every partition with a leader and a full ISR. A freshly created topic is unknown to some brokers for a
 * moment (kafkajs then reports UNKNOWN_TOPIC_OR_PARTITION), so both steps retry for up to `timeoutMs`.
 */
export async function ensureClusterTopics(topics: TopicSpec[], timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const created: string[] = [];
  for (;;) {
    try {
      created.push(
        ...(await ensureTopics({
          brokers: CLUSTER_BROKERS,
          topics,
          // Quiet: a topic unknown to one broker for a moment is expected here, and retried below.
          logCreator: () => () => undefined,
          replicationFactor: CLUSTER.replicationFactor,
          configEntries: [
            { name: 'min.insync.replicas', value: String(CLUSTER.minInsyncReplicas) },
            { name: 'max.message.bytes', value: String(4 * 1024 * 1024) },
          ],
        })),
      );
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
  // Asked of every broker alone, not of whichever one a client reaches first: a new topic reaches the
  // brokers' metadata one at a time, and a client asking one that has not learned of it yet gets "This
  // server does not host this topic-partition" (seen once in CI). Topics created here must show all the
  // partitions asked for; existing ones are left as they are (ensureTopics does not alter them).
  const names = topics.map((t) => t.topic);
  const createdWith = new Map(
    topics.filter((t) => created.includes(t.topic)).map((t) => [t.topic, t.numPartitions]),
  );
  const ready = (md: Awaited<ReturnType<kafkajs.Admin['fetchTopicMetadata']>>) =>
    md.topics.length === names.length &&
    md.topics.every((t) => {
      const want = createdWith.get(t.name);
      return (
        (want === undefined ? t.partitions.length > 0 : t.partitions.length === want) &&
        t.partitions.every((p) => p.leader >= 0 && p.isr.length === CLUSTER.replicationFactor)
      );
    });
  for (const broker of CLUSTER_BROKERS) {
    const admin = new kafkajs.Kafka({ brokers: [broker], logLevel: kafkajs.logLevel.NOTHING }).admin();
    try {
      for (;;) {
        const ok = await admin
          .connect()
          .then(() => admin.fetchTopicMetadata({ topics: names }))
          .then(ready)
          .catch(() => false);
        if (ok) break;
        if (Date.now() > deadline)
          throw infraError(
            `topics ${names.join(', ')}: partitions without a full ISR as ${broker} sees them`,
          );
        await sleep(300);
      }
    } finally {
      await admin.disconnect();
    }
  }
  return created;
}

/** Stops every node (ClickHouse and Kafka first, ZooKeeper last); data stays for the next up. */
export async function stopCluster(root: string, log: Log): Promise<string[]> {
  const nodes = clusterNodes(root);
  const zk = nodes[0];
  const rest = nodes.slice(1);
  const stopped = await Promise.all(rest.map(async (n) => ((await stopNode(n, log)) ? n.name : '')));
  if (zk !== undefined && (await stopNode(zk, log))) stopped.push(zk.name);
  return stopped.filter((s) => s !== '');
}
