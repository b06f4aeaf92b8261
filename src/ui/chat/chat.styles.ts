import { css } from 'lit';

export default css`
  :host {
    display: block;
    height: var(--acs-chat-height, 36rem);
    --acs-chat-participants-width: 15rem;
    --acs-chat-border: 1px solid var(--acs-color-border, #d5d9e0);
  }
  .base {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
    border: var(--acs-chat-border);
    border-radius: 0.5rem;
    overflow: hidden;
    background: var(--acs-color-surface, #ffffff);
  }
  .body {
    display: flex;
    flex: 1;
    min-height: 0;
  }
  .main {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-width: 0;
    min-height: 0;
  }
  acs-message-thread {
    flex: 1;
  }
  acs-send-box {
    border-top: 1px solid var(--acs-color-border, #d5d9e0);
  }
  acs-participant-list {
    flex: none;
    width: var(--acs-chat-participants-width);
    border-left: 1px solid var(--acs-color-border, #d5d9e0);
  }
`;
