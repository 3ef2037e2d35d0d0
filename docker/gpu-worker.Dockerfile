# The GPU worker: one BullMQ consumer per GPU, onnxruntime-node with the CUDA execution provider.
# Build from the repository root: docker build -f docker/gpu-worker.Dockerfile .
# Needs the NVIDIA Container Toolkit on the host; the model folder is mounted at run time (MODEL_DIR).

# 1. Install dependencies, with onnxruntime-node's CUDA provider libraries (downloaded from NuGet by
#    onnxruntime-node's own installer; `npm run gpu:install-cuda` checks they arrived).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The CUDA libraries come from the explicit step below, not from the postinstall that npm 10 runs.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev \
 && npm run gpu:install-cuda \
 && npm cache clean --force

# 2. Run on CUDA 13 with cuDNN 9: since ONNX Runtime 1.27 the GPU packages on nuget.org, which
#    onnxruntime-node 1.30 installs its CUDA provider from, are the CUDA 13 build (the CUDA 12 ones
#    moved to a separate feed). The host needs an NVIDIA driver for CUDA 13 (580 or newer). Node 20 is
#    taken from the official image so both stages run the same Node.
FROM nvidia/cuda:13.1.1-cudnn-runtime-ubuntu24.04
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
# Ubuntu 24.04 images ship a user "ubuntu" with uid/gid 1000; the worker runs as "node" with those ids.
RUN (userdel --remove ubuntu 2>/dev/null || true) \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node

WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY config ./config
COPY src ./src
COPY gpu-worker ./gpu-worker
RUN mkdir -p /app/models && chown node:node /app/models

USER node
ENV ROLE=worker \
    EXECUTION_PROVIDER=cuda \
    MODEL_DIR=/models/flux
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/main.ts"]
