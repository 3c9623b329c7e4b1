#!/usr/bin/env bash
# Starts virtlogd and libvirtd by hand on a machine without systemd (CI, containers),
# configured so that QEMU, running as root, may open disks in private 0700 temporary
# folders. Idempotent: does nothing when a daemon already answers.
set -euo pipefail
if virsh -c qemu:///system version >/dev/null 2>&1; then exit 0; fi
mkdir -p /var/log/libvirt /run/libvirt /var/lib/libvirt/images
id libvirt-qemu >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin libvirt-qemu
conf=/etc/libvirt/qemu.conf
if ! grep -q '^# snaptree test settings' "$conf"; then
  printf '# snaptree test settings\nuser = "root"\ngroup = "root"\nremember_owner = 0\nsecurity_driver = "none"\n' >> "$conf"
fi
pgrep -x virtlogd >/dev/null || virtlogd -d
pgrep -x libvirtd >/dev/null || libvirtd -d
for _ in $(seq 1 50); do
  virsh -c qemu:///system version >/dev/null 2>&1 && exit 0
  sleep 0.2
done
echo "libvirtd did not answer at qemu:///system" >&2
exit 1
