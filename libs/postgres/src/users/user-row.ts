export interface UserRow {
  id: string;
  username: string;
  passwordHash: string;
  role: string;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserRowChanges {
  role?: string;
  disabled?: boolean;
  passwordHash?: string;
}
