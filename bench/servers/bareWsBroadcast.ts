// Baseline: a bare `ws` broadcast server. Every text message a client sends goes to every other
// connected client, as is. No auth, no storage, no sequence numbers: the floor a real-time chat
// service is measured against.
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    for (const client of server.clients) {
      if (client !== socket && client.readyState === client.OPEN) client.send(data, { binary: isBinary });
    }
  });
});
server.on('listening', () => {
  const address = server.address();
  if (typeof address === 'object' && address) console.log(`listening on ${address.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
