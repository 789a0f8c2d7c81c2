// Node-wide settings kept in the database (not secrets: keys live in the data directory).
export interface NodeSettingTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface NodeTables {
  node_setting: NodeSettingTable;
}
