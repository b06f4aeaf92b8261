import { ChatClient } from '../../src/chat/chatClient.js';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { getIdentifierRawId } from '../../src/common/identifiers.js';
import { parseConnectionString } from '../../src/common/connectionString.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';

export interface ChatBotOptions {
  connectionString: string;
  displayName?: string;
  /** What the bot answers to a message; the default knows "help", "time" and echoes the rest. */
  reply?: (message: string, from: string) => string;
}

export interface RunningChatBot {
  /** The bot's identifier: add it to a thread (or start a chat with it) to talk to it. */
  applicationId: string;
  stop(): Promise<void>;
}

export function defaultReply(message: string, from: string): string {
  const text = message.trim().toLowerCase();
  if (text === 'help' || text === '?') return 'I answer "time", "help", and repeat anything else.';
  if (text === 'time') return `It is ${new Date().toUTCString()}.`;
  return `${from || 'You'} said: ${message}`;
}

/**
 * A chat bot as a calling application: it gets its identity and token with the access key (on the
 * trusted server side, where the key lives), listens on its own server-side real-time connection,
 * and answers every message others send in threads it has been added to.
 */
export async function startChatBot(options: ChatBotOptions): Promise<RunningChatBot> {
  const { endpoint } = parseConnectionString(options.connectionString);
  const identity = new CommunicationIdentityClient(options.connectionString);
  const application = await identity.createCallingApplication(options.displayName ?? 'Echo bot');
  const credential = new AzureCommunicationTokenCredential({
    refreshProactively: true,
    tokenRefresher: async () => (await identity.getCallingApplicationToken(application)).token,
  });
  const chat = new ChatClient(endpoint, credential);
  const reply = options.reply ?? defaultReply;
  const greeted = new Set<string>();

  const greet = async (threadId: string) => {
    if (greeted.has(threadId)) return;
    greeted.add(threadId);
    await chat.getChatThreadClient(threadId).sendMessage({ content: `Hello! I am ${application.displayName}. Say "help".` });
  };

  chat.on('chatThreadCreated', (event) => void greet(event.threadId).catch(report));
  chat.on('participantsAdded', (event) => {
    if (event.participantsAdded.some((p) => getIdentifierRawId(p.id) === application.callingApplicationId)) {
      void greet(event.threadId).catch(report);
    }
  });
  chat.on('chatMessageReceived', (event) => {
    if (getIdentifierRawId(event.sender) === application.callingApplicationId) return; // its own words
    const answer = reply(event.message, event.senderDisplayName);
    void chat.getChatThreadClient(event.threadId).sendMessage({ content: answer }).catch(report);
  });
  await chat.startRealtimeNotifications();

  return {
    applicationId: application.callingApplicationId,
    async stop() {
      await chat.stopRealtimeNotifications();
      credential.dispose();
    },
  };
}

function report(error: unknown): void {
  console.error('The bot could not answer:', error instanceof Error ? error.message : error);
}
