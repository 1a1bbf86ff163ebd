// agent.js
export default async function onMessage(message) {
  return `You said: ${message.text}`;
}
