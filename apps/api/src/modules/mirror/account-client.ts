import type { CalcomClient } from "@agni/calcom";
import type { SecretBox } from "../../lib/crypto";
import type { CalcomGateway } from "../calcom/calcom-gateway";
import type { MirrorAccount } from "./mirror.repository";

/** Cal.com clients for the mirror's background work (webhook registration, reconciliation), within its budget share. */
export class AccountClients {
  constructor(
    private readonly gateway: CalcomGateway,
    private readonly box: SecretBox,
  ) {}

  /** A client on the account's key; null when it has none (disconnected) or it does not open with this deployment's keys. */
  forAccount(account: Pick<MirrorAccount, "organizationId" | "apiBaseUrl" | "apiKeyEncrypted" | "status">): CalcomClient | null {
    if (!account.apiKeyEncrypted || account.status === "inactive") return null;
    let apiKey: string;
    try {
      apiKey = this.box.decrypt(account.apiKeyEncrypted, account.organizationId);
    } catch {
      return null;
    }
    return this.gateway.background(account.apiBaseUrl, apiKey);
  }
}
