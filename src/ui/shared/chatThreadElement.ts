import { ContextConsumer } from '@lit/context';
import { LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ChatClient } from '../../chat/chatClient.js';
import { emit } from './events.js';
import { chatThreadContext } from '../state/chatContext.js';
import { ChatThreadController } from '../controllers/chatThreadController.js';
import type { ChatThreadSource } from '../state/chatThreadSource.js';

export type { AcsErrorDetail } from './events.js';

/**
 * Base of the chat components that show one thread. A component renders the thread of, in order:
 * its `source`, its own `chatClient` + `threadId`, or the source a composite provides by context.
 */
export abstract class ChatThreadElement extends LitElement {
  /** The thread binding; subclasses read `this.chat.state` and call its actions. */
  protected readonly chat: ChatThreadController;

  /** The source a composite provides, if any. */
  @state() protected contextSource: ChatThreadSource | undefined;

  /** The user's chat client (with `threadId`). Real-time notifications must be started by its owner. */
  @property({ attribute: false }) chatClient: ChatClient | undefined;

  /** The thread to show (with `chatClient`). */
  @property({ attribute: 'thread-id' }) threadId = '';

  /** The user's raw id (`8:acs:…`): tells own messages from others'. Learned from the first event when empty. */
  @property({ attribute: 'user-id' }) userId = '';

  /** The name sent with the user's messages and typing notifications (else the participant's name). */
  @property({ attribute: 'display-name' }) displayName = '';

  /** A thread source shared with other components; wins over `chatClient`. */
  @property({ attribute: false }) source: ChatThreadSource | undefined;

  constructor() {
    super();
    // A controller rather than the `@consume` decorator: the same consumer, added first as the
    // decorator did, without the decorator's code.
    new ContextConsumer(this, {
      context: chatThreadContext,
      subscribe: true,
      callback: (source) => {
        this.contextSource = source;
      },
    });
    this.chat = new ChatThreadController(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.source) {
      this.chat.bind({ source: this.source });
    } else if (this.chatClient && this.threadId) {
      this.chat.bind({
        chatClient: this.chatClient,
        threadId: this.threadId,
        userId: this.userId || undefined,
        displayName: this.displayName || undefined,
      });
    } else {
      this.chat.bind({ source: this.contextSource });
    }
  }

  /** Reports a failed action as `acs-error` (the thread's state is already rolled back). */
  protected reportError(error: unknown): void {
    emit(this, 'acs-error', { error });
  }
}
