# firmwright in a container: one static binary and nothing else.
#
#   docker build -t firmwright .
#   docker run --rm -v "$PWD:/work" -w /work -e SOURCE_DATE_EPOCH=1700000000 firmwright \
#     build --system rpi4 --base images --release rel -o hello.fw --image hello.img
#
# The image also carries firmwright built for 64-bit ARM (for rpi4, rpi5 and qemu-aarch64; rpi0 and rpi3 need a GOARCH=arm GOARM=6 build), which `build`
# installs on the device (as fwup, and as init on bases without erlinit).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same static builds CI runs: no cgo, paths trimmed for reproducible binaries.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/firmwright ./cmd/firmwright && \
    CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -ldflags="-s -w" -o /out/firmwright-linux-arm64 ./cmd/firmwright && \
    /out/firmwright systems >/dev/null && \
    mkdir -m 1777 /out/tmp

FROM scratch
COPY --from=build /out/firmwright /usr/bin/firmwright
COPY --from=build /out/firmwright-linux-arm64 /usr/share/firmwright/firmwright-linux-arm64
# Intermediate files (the rootfs before it goes into the .fw) go to /tmp.
COPY --from=build /out/tmp /tmp
ENV FIRMWRIGHT_DEVICE_FIRMWRIGHT=/usr/share/firmwright/firmwright-linux-arm64
ENTRYPOINT ["/usr/bin/firmwright"]
