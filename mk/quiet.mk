# SPDX-License-Identifier: GPL-2.0
# Quiet build output shared by every Makefile, as liburing prints it:
#   $(msg) CC file      prints "  CC   file"
#   $(Q)command         hides the command
# V=1 shows the commands instead.
ifeq ($(V),1)
Q :=
msg := @true
else
Q := @
msg := @printf '  %-4s %s\n'
endif
