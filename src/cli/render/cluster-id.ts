// What `tk cluster-id` prints: `kafka-cluster.sh cluster-id`'s line (ClusterTool), or JSON.

export function renderClusterIdText(clusterId: string | null): string {
  return clusterId === null ? 'No cluster ID found. The Kafka version is probably too old.\n' : `Cluster ID: ${clusterId}\n`;
}

export function renderClusterIdJson(clusterId: string | null): string {
  return `${JSON.stringify({ clusterId })}\n`;
}
