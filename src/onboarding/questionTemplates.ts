/**
 * How each responsibility area is asked as a quiz question. `{service}` becomes the service
 * name, or "AWS" for a general cell. A test requires a template for every area in areas.yaml,
 * so a new area cannot silently drop out of the quiz.
 */
export const QUESTION_TEMPLATES: Record<string, string> = {
  'physical-security': 'Who physically secures the data centers that run {service}?',
  hardware: 'Who maintains, replaces and disposes of the hardware behind {service}?',
  'global-network': 'Who secures the global network and backbone that {service} traffic crosses?',
  virtualization: 'Who secures the virtualization layer that isolates customers on {service}?',
  'host-os': 'Who patches the host operating system underneath {service}?',
  'os-patching': 'Who patches the guest operating system on {service}?',
  'runtime-patching': 'Who keeps the platform and language runtime of {service} up to date?',
  'engine-patching': 'Who patches the database engine software of {service}?',
  'control-plane': 'Who runs and secures the managed control plane of {service}?',
  'network-config': 'Who configures network access (security groups, network ACLs, endpoints) for {service}?',
  'access-control': 'Who decides who can access your {service} resources, and with which permissions?',
  credentials: 'Who manages and rotates the credentials and secrets your {service} workloads use?',
  'encryption-at-rest': 'Who makes sure the data you store in {service} is encrypted at rest?',
  'encryption-in-transit': 'Who makes sure data travelling to and from {service} is encrypted in transit?',
  'key-management': 'Who manages the encryption keys used with {service}?',
  data: 'Who is responsible for the data you put in {service}, its classification and who may read it?',
  backups: 'Who makes sure your data in {service} is backed up and can be restored?',
  availability: 'Who is responsible for keeping your workload on {service} available?',
  'logging-monitoring': 'Who turns on, keeps and watches the logs and monitoring of your {service} resources?',
  'application-code': 'Who secures the application code and dependencies you run on {service}?',
  compliance: 'Who is responsible for the compliance of your workloads on {service}?',
  training: 'Who trains the people who use {service} in security awareness?',
  'incident-response': 'Who is responsible for incident response on {service}?',
  'configuration-management': 'Who manages the configuration of your {service} resources?',
  'ddos-protection': 'Who protects your {service} workloads against DDoS and web-layer attacks?',
};
