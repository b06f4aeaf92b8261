import { css } from 'lit';

export default css`
  :host {
    display: inline-flex;
    --acs-avatar-size: 2.5rem;
  }
  .base {
    width: var(--acs-avatar-size);
    height: var(--acs-avatar-size);
    border-radius: 50%;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    font-weight: 600;
    font-size: calc(var(--acs-avatar-size) * 0.4);
    color: #fff;
    user-select: none;
    text-transform: uppercase;
  }
  .base.speaking {
    box-shadow: 0 0 0 3px var(--acs-color-success, #107c41);
  }
`;
