# The bot: platform adapters, the core, the delivery consumer. No model, no GPU.
# Build from the repository root: docker build -f docker/bot.Dockerfile .
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

COPY package.json package-lock.json .npmrc ./
# Skip onnxruntime-node's CUDA download (the bot never runs the model): the variable its install
# script reads, since Node 20's npm 10 runs that script (npm 11's "allowScripts" already blocks it).
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev && npm cache clean --force

COPY config ./config
COPY commands ./commands
COPY src ./src
# The worker code comes along (ROLE=all runs both); it loads nothing until a worker role starts.
COPY gpu-worker ./gpu-worker

USER node
ENV ROLE=bot \
    PLAYGROUND_HOST=0.0.0.0
# playground, Slack HTTP receiver, /metrics /healthz /readyz
EXPOSE 8080 3000 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/main.ts"]
