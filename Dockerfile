# firmwright in a container: one static binary and nothing else.
#
#   docker build -t firmwright .
#   docker run --rm -v "$PWD:/work" -w /work -e SOURCE_DATE_EPOCH=1700000000 firmwright \
#     build --system rpi4 --base images --release rel -o hello.fw --image hello.img
#
# The image also carries the device binaries (cmd/firmwright-device for
# 64-bit ARM: rpi4, rpi5, qemu-aarch64; and 32-bit ARM: rpi0, rpi3) in
# /usr/share/firmwright, where `build` finds them to install on a device
# whose base lacks erlinit or fwup.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# scripts/release: the static builds CI checks (no cgo, paths trimmed, the
# device binaries kept under 3.5 MB).
RUN scripts/release /out && cp -L /out/firmwright /out/host-firmwright && \
    /out/host-firmwright systems >/dev/null && \
    mkdir -m 1777 /out/tmp

FROM scratch
COPY --from=build /out/host-firmwright /usr/bin/firmwright
COPY --from=build /out/firmwright-device-linux-arm64 /out/firmwright-device-linux-arm /usr/share/firmwright/
# Intermediate files (the rootfs before it goes into the .fw) go to /tmp.
COPY --from=build /out/tmp /tmp
ENTRYPOINT ["/usr/bin/firmwright"]
