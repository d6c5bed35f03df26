// SPDX-License-Identifier: GPL-2.0
/* bpf4j killsnoop: sigsnoop's object under killsnoop's name (libbpf-tools' killsnoop is a link to
 * sigsnoop that means -k), so that the launcher and the release know the tool by its .bpf.c. */
#include "sigsnoop.bpf.c"
