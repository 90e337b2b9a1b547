/**
 * Who a person is in a Teams conversation: their Teams user id (MRI, `29:...`) and name, looked up by
 * Entra object id in the conversation's roster (the team's, for a channel). For card refresh and mentions
 * of approvers who never wrote to the bot. Implemented by the Teams adapter.
 */
export interface TeamRoster {
  /** null when the person is not a member of that conversation (or its team). */
  member(conversationKey: string, aadObjectId: string): Promise<{ mri: string; name: string } | null>;
}
