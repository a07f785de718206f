// SPDX-License-Identifier: MIT
/*
 * The channel's validators, compiled unchanged into the module from their
 * one home in xenstore-schema/ (DKMS copies that directory alongside).
 */
#include "bcore_compat.h"
#include "../../xenstore-schema/ballast_schema.c"
