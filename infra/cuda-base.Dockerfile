# Optional slim base for the GPU worker image: CUDA 12.4 runtime + cuDNN and a JRE 17.
#   docker build -t rlhf-cuda-jre:12.4 -f infra/cuda-base.Dockerfile infra
#   mvn -Pimage,cuda -pl workflows -am package -DskipTests -Drlhf.image.base=rlhf-cuda-jre:12.4
# (Not built or tested here: no Docker on the build machine.)
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/*
