import { ChatClient } from '../../src/chat/chatClient.js';
import type { ChatThreadClient } from '../../src/chat/chatThreadClient.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';

export interface ChatRoom {
  /** The sender's client for the thread. */
  thread: ChatThreadClient;
  /** Stops every receiver's real-time connection. */
  close(): Promise<void>;
}

/**
 * One sender and `receivers` users in a thread, each receiver on its own real-time connection and
 * calling `onMessage` with the text of every message it receives. With `senderReceives`, the sender
 * is one of the receivers (its own messages come back on its real-time connection, as in ACS), so a
 * full thread of 250 participants has 250 receivers.
 */
export async function openChatRoom(
  connectionString: string,
  endpoint: string,
  receivers: number,
  onMessage: (message: string) => void,
  options: { senderReceives?: boolean } = {},
): Promise<ChatRoom> {
  const identity = new CommunicationIdentityClient(connectionString);
  const others = options.senderReceives ? receivers - 1 : receivers;
  const users = await Promise.all(Array.from({ length: others + 1 }, () => identity.createUserAndToken(['chat'])));
  const [sender, ...rest] = users;
  const senderClient = new ChatClient(endpoint, sender!.token);
  const { chatThread } = await senderClient.createChatThread({ topic: 'bench' }, { participants: rest.map((u) => ({ id: u.user })) });
  const clients: ChatClient[] = [];
  const close = async () => {
    for (const client of clients) await client.stopRealtimeNotifications();
  };
  try {
    if (options.senderReceives) {
      senderClient.on('chatMessageReceived', (event) => onMessage(event.message));
      clients.push(senderClient);
      await senderClient.startRealtimeNotifications();
    }
    for (const user of rest) {
      const client = new ChatClient(endpoint, user.token);
      client.on('chatMessageReceived', (event) => onMessage(event.message));
      clients.push(client);
      await client.startRealtimeNotifications();
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { thread: senderClient.getChatThreadClient(chatThread!.id), close };
}
